

import { LANGS, useLang, type Lang } from "../i18n";
import { useFieldId } from "../lib/ids";

const NAMES: Record<Lang, string> = { fr: "Français", nl: "Nederlands", en: "English" };

export function LangSelect() {
  const { lang, setLang, t } = useLang();
  const id = useFieldId();
  return (
    <div class="lang-select">
      <label for={id}>{t("common.language")}</label>
      <select id={id} value={lang} onChange={(event) => setLang(event.currentTarget.value as Lang)}>
        {LANGS.map((code) => (
          <option key={code} value={code} lang={code}>
            {NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
