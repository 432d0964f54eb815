// Response shapes of stored trades and media (snake_case, as the rest of the API).
import type { CapturedTrade, StoredMedia } from '@pecunia/core';

export const presentMedia = (m: StoredMedia) => ({ id: m.id, filename: m.filename, mime_type: m.mimeType, size: m.size, link: m.link });

export const presentCaptured = (c: CapturedTrade) => ({
  trade: c.trade,
  attachments: c.attachments.map(presentMedia),
  location: c.location,
});
