/** Standalone build of <feedback-form> (dist/standalone/feedback-form.js): the widget alone, with Lit and urql. */
import '../internal/loader.ts';
import '../feedback/define.ts';
