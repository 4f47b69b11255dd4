// The console's look in this browser: System (follow the system's light or dark setting),
// Light or Dark. Kept locally (lib/theme), not in the workspace: each window of each person
// has its own; it applies at once, no Save.
import { Section } from "../../components/ui";
import { THEME_CHOICES, useThemeChoice } from "../../lib/theme";

export function AppearanceSection() {
  const [choice, setChoice] = useThemeChoice();
  return (
    <Section title="Appearance" id="workspace-appearance" testId="workspace-appearance">
      <fieldset className="fieldset">
        <legend>Theme</legend>
        <div className="radios-inline" data-testid="theme-choice">
          {THEME_CHOICES.map((c) => (
            <label key={c.value} className="radio">
              <input
                type="radio"
                name="theme"
                value={c.value}
                checked={choice === c.value}
                onChange={() => setChoice(c.value)}
                data-testid={`theme-${c.value}`}
              />
              <span>{c.label}</span>
            </label>
          ))}
        </div>
        <div className="hint">
          System follows the light or dark setting of this computer. Kept in this browser only, and applied at once.
        </div>
      </fieldset>
    </Section>
  );
}
