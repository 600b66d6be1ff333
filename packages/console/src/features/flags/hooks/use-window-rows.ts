import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';

/**
 * Table rows rendered only around the visible part of the page, so a project with thousands of
 * flags renders and filters as fast as one with fifty (bench/console.bench.mjs measures it).
 * The page keeps its own scrolling (the window's); the rows before and after the rendered ones
 * are stood in for by two spacers of their measured height. Rows are measured as they render,
 * since a description or tags make them taller.
 */
export function useWindowRows(count: number) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  // Where the rows start on the page: the filters above them take room that may change.
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const top = body.getBoundingClientRect().top + window.scrollY;
    if (Math.abs(top - scrollMargin) > 1) setScrollMargin(top);
  });
  const virtualizer = useWindowVirtualizer({
    count,
    estimateSize: () => 64,
    // Rows past the screen stay rendered, so Tab always has a next row to move to (scrolling it in).
    overscan: 15,
    scrollMargin,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  return {
    bodyRef,
    items,
    measure: virtualizer.measureElement,
    before: first ? first.start - scrollMargin : 0,
    after: last ? virtualizer.getTotalSize() - (last.end - scrollMargin) : 0,
  };
}
