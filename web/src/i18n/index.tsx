import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useMemo, useState } from "preact/hooks";

import type { Lang } from "../lib/format";
import { en } from "./en";
import { fr, type Messages } from "./fr";
import { nl } from "./nl";

export type { Lang };
export type MessageKey = keyof Messages;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const DICTIONARIES: Record<Lang, Messages> = { fr, nl, en };
export const LANGS: Lang[] = ["fr", "nl", "en"];
const STORAGE_KEY = "cartable.lang";

let current: Lang = initialLang();

function initialLang(): Lang {
  if (typeof window === "undefined") return "fr";
  const saved = window.localStorage.getItem(STORAGE_KEY);
  if (saved === "fr" || saved === "nl" || saved === "en") return saved;
  return "fr"; // the school's language unless the parent chooses another
}

/** The language of the interface, sent as Accept-Language with every request. */
export function currentLang(): Lang {
  return current;
}

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  let text: string = DICTIONARIES[lang][key] ?? key;
  if (params) {
    for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
  }
  return text;
}

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const LangContext = createContext<LangState>({
  lang: "fr",
  setLang: () => undefined,
  t: (key, params) => translate("fr", key, params),
});

export function LangProvider({ children }: { children: ComponentChildren }) {
  const [lang, setState] = useState<Lang>(current);
  const setLang = useCallback((next: Lang) => {
    current = next;
    window.localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setState(next);
  }, []);
  const value = useMemo<LangState>(
    () => ({ lang, setLang, t: (key, params) => translate(lang, key, params) }),
    [lang, setLang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): LangState {
  return useContext(LangContext);
}
