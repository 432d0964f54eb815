// Serves a stored attachment to its owner only (local mode links point here).
import { Router } from 'express';
import { NotFoundError, type MediaStore } from '@pecunia/core';
import { callerOf } from '../http/auth';

export function mediaRoutes(media: MediaStore): Router {
  const router = Router();
  router.get('/media/:id', async (req, res) => {
    const file = await media.get(callerOf(req), req.params.id);
    if (!file) throw new NotFoundError('MEDIA.NOT_FOUND', 'No such file for this user');
    res.setHeader('Content-Type', file.mimeType);
    res.setHeader('Content-Length', String(file.data.byteLength));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.end(Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength));
  });
  return router;
}
