// Node `collect_media`: downloads the attachments a configured media service will read, newest trades first.
import { decodeAttachmentCell } from '../../domain/attachment-links';
import type { StoredTrade } from '../../domain/trade';
import type { MediaContent } from '../../ports/media-store.port';
import { parseInstant } from '../../analysis/trade-order';
import { mapWithConcurrency } from './concurrency';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_MEDIA_FILES, type AnalysisWorkflowDeps } from './deps';
import { errorMessage, type ProgressTracker } from './progress';
import { DEFAULT_RETRY, withRetry } from './retry';
import type { AnalysisStateUpdate, AnalysisStateValue, FetchedMedia, WorkflowWarning } from './state';

type MediaKind = FetchedMedia['kind'];

interface Candidate {
  file_id: string;
  trade_id: string;
  /** Null when the journal cell did not record it: the store's answer decides. */
  mime_type: string | null;
  link: string;
}

export function mediaKind(mimeType: string | null | undefined): MediaKind | null {
  const type = mimeType?.toLowerCase() ?? '';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('image/')) return 'image';
  return null;
}

/** Attachments worth fetching, one per file id, from the most recent trade back. */
export function mediaCandidates(trades: readonly StoredTrade[], wanted: ReadonlySet<MediaKind>, timezone: string): Candidate[] {
  const newestFirst = trades
    .map((trade) => ({ trade, exit: parseInstant(trade.exit_timestamp, timezone) }))
    .sort((a, b) => (Number.isNaN(b.exit) ? -1 : Number.isNaN(a.exit) ? 1 : b.exit - a.exit));
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const { trade } of newestFirst) {
    for (const ref of decodeAttachmentCell(trade.file_links)) {
      if (seen.has(ref.file_id)) continue;
      const kind = mediaKind(ref.mime_type);
      if (ref.mime_type !== null && (kind === null || !wanted.has(kind))) continue;
      seen.add(ref.file_id);
      candidates.push({ file_id: ref.file_id, trade_id: trade.trade_id, mime_type: ref.mime_type, link: ref.link });
    }
  }
  return candidates;
}

export function collectMediaNode(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.report('collect_media', 0.3);
    const wanted = new Set<MediaKind>();
    if (deps.transcriber) wanted.add('audio');
    if (deps.imageAnalyst) wanted.add('image');
    if (wanted.size === 0) {
      // Nothing would read the bytes: downloading them would only cost time and Drive quota.
      const reason = deps.skipReasons?.collect_media ?? 'no audio transcriber or image analyst is configured, so attachments are not downloaded';
      return { media: [], skipped_steps: [{ step: 'collect_media', reason }] };
    }

    const all = mediaCandidates(state.trades, wanted, state.range.timezone);
    const limit = Math.max(0, deps.maxMediaFiles ?? DEFAULT_MAX_MEDIA_FILES);
    const chosen = all.slice(0, limit);
    const warnings: WorkflowWarning[] = [];
    if (all.length > chosen.length) {
      warnings.push({
        step: 'collect_media',
        message: `${all.length - chosen.length} older attachment(s) were not analysed (at most ${limit} per analysis)`,
      });
    }

    const owner = state.job.user_id;
    const tries = deps.mediaRetry?.tries ?? DEFAULT_RETRY.tries;
    const fetched = await mapWithConcurrency(chosen, deps.concurrency ?? DEFAULT_CONCURRENCY, async (candidate) => {
      let content: MediaContent | null;
      try {
        content = await withRetry(() => deps.media.get(owner, candidate.file_id), {
          ...deps.mediaRetry,
          onRetry: (error, attempt) =>
            deps.logger?.warn('media fetch failed, retrying', {
              job_id: state.job.job_id,
              file_id: candidate.file_id,
              attempt,
              error: error.message,
            }),
        });
      } catch (error) {
        warnings.push({
          step: 'collect_media',
          file_id: candidate.file_id,
          trade_id: candidate.trade_id,
          message: `attachment could not be read after ${tries} tries: ${errorMessage(error)}`,
        });
        return null;
      }
      if (content === null) {
        warnings.push({
          step: 'collect_media',
          file_id: candidate.file_id,
          trade_id: candidate.trade_id,
          message: 'attachment is no longer in the media store',
        });
        return null;
      }
      const mimeType = candidate.mime_type ?? content.mimeType;
      const kind = mediaKind(mimeType);
      if (kind === null || !wanted.has(kind)) return null;
      const item: FetchedMedia = {
        file_id: candidate.file_id,
        trade_id: candidate.trade_id,
        kind,
        mime_type: mimeType,
        ...(candidate.link ? { link: candidate.link } : {}),
        data: content.data,
      };
      return item;
    });
    const media = fetched.filter((item): item is FetchedMedia => item !== null);
    deps.logger?.info('media collected', { job_id: state.job.job_id, candidates: all.length, fetched: media.length });
    return { media, warnings };
  };
}
