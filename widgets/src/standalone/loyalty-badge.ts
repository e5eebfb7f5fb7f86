/** Standalone build of <loyalty-badge> (dist/standalone/loyalty-badge.js): the widget alone, with Lit and urql. */
import '../internal/loader.ts';
import '../loyalty/define.ts';
