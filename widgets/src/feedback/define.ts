import { defineOnce } from '../internal/define.ts';
import { FeedbackForm } from './feedback-form.ts';

defineOnce('feedback-form', FeedbackForm);

declare global {
  interface HTMLElementTagNameMap {
    'feedback-form': FeedbackForm;
  }
}
