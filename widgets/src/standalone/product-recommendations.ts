/** Standalone build of <product-recommendations> (dist/standalone/product-recommendations.js): the widget alone, with Lit and urql. */
import '../internal/loader.ts';
import '../recommendations/define.ts';
