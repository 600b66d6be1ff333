import { type CSSVariablesResolver, createTheme, MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { queryClient } from '../lib/api.js';
import { router } from './router.js';

// Shade 8 of the primary colour: white button text on the default shade 6 falls short of the
// 4.5:1 contrast WCAG AA asks (axe-core flags it on every screen).
const theme = createTheme({ primaryShade: { light: 8, dark: 8 } });
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
