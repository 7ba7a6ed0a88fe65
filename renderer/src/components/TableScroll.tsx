/**
 * A wide table on a narrow screen: it scrolls sideways inside its own box
 * instead of squeezing its columns into stacks of single characters. The
 * box can take the keyboard's focus (to scroll with the arrow keys) and is
 * named for screen readers (a group, not a landmark: its section is that).
 */
import type { ReactNode } from 'react';

export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="group" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
