import { useQuery } from "@urql/preact";

import { PhotoCampaignsQuery } from "../api/photos";
import { useLang } from "../i18n";
import { formatDate } from "../lib/format";

/** The dashboard's Photos module: the campaigns open to this child, until when. */
export function PhotosTeaser({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const [result] = useQuery({ query: PhotoCampaignsQuery, variables: { childId } });
  const campaigns = result.data?.viewer?.child?.photoCampaigns;
  if (!campaigns?.length) return null;
  return (
    <section class="panel" aria-labelledby="photos-title">
      <h2 id="photos-title">{t("photos.title")}</h2>
      <ul class="rows">
        {campaigns.map((campaign) => (
          <li key={campaign.id} class="row">
            <a href={`/children/${childId}/photos`}>{campaign.title}</a>
            <span class="muted">{t("photos.orderUntil", { date: formatDate(campaign.orderUntil, lang) })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
