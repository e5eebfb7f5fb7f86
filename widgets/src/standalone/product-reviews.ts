/** Standalone build of <product-reviews> (dist/standalone/product-reviews.js): the widget alone, with Lit and urql. */
import '../internal/loader.ts';
import { defineOnce } from '../internal/define.ts';
import { ProductReviews } from '../reviews/product-reviews.ts';

defineOnce('product-reviews', ProductReviews);
