import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../auth/index.js';
import { REPORT_CONTENT_SECURITY_POLICY } from '../../reports/index.js';
import { ShareLinksService } from './share-links.service.js';

/** What a link that opens nothing shows: the same page whatever the reason. */
const NO_REPORT_PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<meta name="robots" content="noindex"><title>No report here · Causeway</title>' +
  '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em}</style>' +
  '</head><body><h1>This link opens no report</h1>' +
  '<p>A shared link works for the time its sender chose, and its sender can end it sooner. ' +
  'Ask whoever sent it for a new one.</p></body></html>';

/**
 * `GET /share/{token}` and `/share/{token}.pdf`: the one report a link opens, without a key. Every
 * answer (404 included) is kept out of caches, referrers and search indexes.
 */
@Controller('share')
export class ShareController {
  constructor(private readonly links: ShareLinksService) {}

  @Get(':file')
  @Public()
  async open(
    @Param('file') file: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string | StreamableFile> {
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Robots-Tag', 'noindex');
    const pdf = file.endsWith('.pdf');
    const token = pdf ? file.slice(0, -'.pdf'.length) : file;
    const document = await this.links.open(token, pdf ? 'pdf' : 'html');
    if (document === undefined || document.kind === 'html') {
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.setHeader('Content-Security-Policy', REPORT_CONTENT_SECURITY_POLICY);
    }
    if (document === undefined) {
      // unknown, expired and revoked read the same: nothing tells a guesser which; the page is
      // for the person who clicked the link in a browser, the status for everything else
      response.status(404);
      return NO_REPORT_PAGE;
    }
    if (document.kind === 'html') {
      return document.body;
    }
    response.setHeader('Content-Type', 'application/pdf');
    response.setHeader('Content-Disposition', `inline; filename="${document.fileName}"`);
    return new StreamableFile(document.body);
  }
}
