import {
  type CSSVariablesResolver,
  createTheme,
  defaultVariantColorsResolver,
  MantineProvider,
  type VariantColorsResolver,
} from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { queryClient } from '../lib/api.js';
import { router } from './router.js';

// Shade 8 of the primary colour: white button text on the default shade 6 falls short of the
// 4.5:1 contrast WCAG AA asks (axe-core flags it on every screen).
// Light variants (badges, alerts) write in the text colour on their tinted background: the
// default tint-on-tint label is under 4.5:1 for most colours.
const variantColors: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  return input.variant === 'light' ? { ...colors, color: 'var(--mantine-color-text)' } : colors;
};

// Alert titles take the text colour (a light alert's coloured title is under 4.5:1 too), and
// every modal's close button has a name for screen readers.
const theme = createTheme({
  primaryShade: { light: 8, dark: 8 },
  variantColorResolver: variantColors,
  components: {
    Alert: { styles: { title: { color: 'var(--mantine-color-text)' } } },
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
  },
});
// Dimmed text one shade darker for the same reason (gray 6 on white is 3.3:1).
const variables: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={variables}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
