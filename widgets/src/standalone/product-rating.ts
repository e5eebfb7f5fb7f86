/** Standalone build of <product-rating> (dist/standalone/product-rating.js): the widget alone, with Lit and urql. */
import '../internal/loader.ts';
import { defineOnce } from '../internal/define.ts';
import { ProductRating } from '../reviews/product-rating.ts';

defineOnce('product-rating', ProductRating);
