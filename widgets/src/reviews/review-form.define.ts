import { defineOnce } from '../internal/define.ts';
import { ReviewForm } from './review-form.ts';

defineOnce('review-form', ReviewForm);

declare global {
  interface HTMLElementTagNameMap {
    'review-form': ReviewForm;
  }
}
