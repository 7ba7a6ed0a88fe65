/**
 * This device's sounds: on or off, how loud, and its tone (a little higher
 * or lower than the next desk's, so two desks side by side are told apart
 * by ear), with a button to hear each sound as it will play. Stored with
 * the device's other preferences (stores/prefs.ts).
 */
import { useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';
import { SOUND_NAMES, testSound } from '../sound/sounds';
import { TONES, usePrefs } from '../stores/prefs';

export function SoundSettings() {
  const t = useT();
  const sound = usePrefs((s) => s.sound);
  const volume = usePrefs((s) => s.volume);
  const tone = usePrefs((s) => s.tone);
  const set = usePrefs((s) => s.set);
  const percent = Math.round(volume * 100);
  return (
    <section className="panel" aria-labelledby="sound-title" data-testid="settings-sounds">
      <h2 id="sound-title">{t('settings.sound')}</h2>
      <label className="chip chip--check">
        <input type="checkbox" checked={sound} onChange={(event) => set({ sound: event.target.checked })} data-testid="settings-sound" />
        {t('settings.soundOn')}
      </label>
      <label className="field">
        <span>{t('settings.volume')}</span>
        <span className="volume">
          <input
            type="range"
            min={0}
            max={100}
            step={10}
            value={percent}
            onChange={(event) => set({ volume: Number(event.target.value) / 100 })}
            aria-valuetext={`${percent}%`}
            data-testid="settings-volume"
          />
          <output data-testid="settings-volume-value">{percent}%</output>
        </span>
      </label>
      <fieldset className="field">
        <legend>{t('settings.tone')}</legend>
        <div className="chips">
          {TONES.map((name) => (
            <label key={name} className={`chip${tone === name ? ' chip--on' : ''}`}>
              <input type="radio" name="sound-tone" value={name} checked={tone === name} onChange={() => set({ tone: name })} data-testid={`settings-tone-${name}`} />
              {t(`settings.tone.${name}` as StringKey)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>{t('settings.test')}</legend>
        <p className="field__hint">{t('settings.testHint')}</p>
        <div className="sound-tests">
          {SOUND_NAMES.map((name) => (
            <button key={name} type="button" className="button" onClick={() => testSound(name)} data-testid={`settings-test-${name}`}>
              ▶ {t(`sound.${name}` as StringKey)}
            </button>
          ))}
        </div>
      </fieldset>
    </section>
  );
}
