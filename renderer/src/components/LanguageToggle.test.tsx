// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { usePrefs } from '../stores/prefs';
import { LanguageToggle } from './LanguageToggle';

afterEach(cleanup);

describe('the language button', () => {
  it('is called what it shows (its accessible name is its visible word), with what it does as its description', () => {
    usePrefs.setState({ language: 'ja' });
    render(<LanguageToggle />);
    const button = screen.getByRole('button', { name: 'English' });
    expect(button.getAttribute('aria-label')).toBeNull();
    expect(button.getAttribute('title')).toBe('表示言語の切り替え');
    fireEvent.click(button);
    expect(screen.getByRole('button', { name: '日本語' })).toBe(button);
  });
});
