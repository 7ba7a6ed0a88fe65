/**
 * A sheet that exists only on paper: rendered at the end of <body>, outside
 * the app, hidden on screen and shown alone when printing it (print.css).
 */
import type { ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { SheetName } from './print';

export function PrintSheet({ name, testId, children }: { name: SheetName; testId: string; children: ReactNode }) {
  return createPortal(
    <div className={`print-sheet print-sheet--${name}`} data-sheet={name} data-testid={testId}>
      {children}
    </div>,
    document.body,
  );
}
