import {
  type CSSVariablesResolver,
  createTheme,
  darken,
  defaultVariantColorsResolver,
  parseThemeColor,
  type VariantColorsResolver,
} from '@mantine/core';

/**
 * Light-variant text (buttons, alerts, badges) is shade 6 on a tint by default, under WCAG AA's
 * 4.5:1 (yellow and orange even at shade 9); shade 9 darkened by 30% passes for every colour.
 * The axe check in e2e/console.test.ts holds us to it.
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'light') return colors;
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  const shades = parsed.isThemeColor ? input.theme.colors[parsed.color] : undefined;
  return shades ? { ...colors, color: darken(shades[9], 0.3) } : colors;
};

/**
 * Mantine's default filled buttons (blue 6 under white text, 3.5:1) fail WCAG AA contrast;
 * shade 8 (#1971c2, 4.9:1) passes.
 */
export const theme = createTheme({
  primaryShade: { light: 8, dark: 6 },
  variantColorResolver,
  // People who ask their system for reduced motion get dialogs and menus without animations.
  respectReducedMotion: true,
  components: {
    // A light alert's coloured title is under 4.5:1 too; the text colour passes.
    Alert: { styles: { title: { color: 'var(--mantine-color-text)' } } },
    // Every modal's close button has a name for screen readers.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
  },
});

/** Dimmed text is gray 6 by default (3.3:1 on white); gray 7 keeps it quiet and readable (AA). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
