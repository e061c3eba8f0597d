import { Controller, Get, Logger, Param, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../auth/index.js';
import { messageOf } from '../../errors/index.js';
import { isPrintingFailure, REPORT_CONTENT_SECURITY_POLICY } from '../../reports/index.js';
import { isShareToken } from './share-token.js';
import { ShareLinksService, type SharedDocument } from './share-links.service.js';

/** A short page for the person who clicked a link, in the style of every such page. */
const notice = (title: string, body: string) =>
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  `<meta name="robots" content="noindex"><title>${title} · Causeway</title>` +
  '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em}</style>' +
  `</head><body>${body}</body></html>`;

/** What a link that opens nothing shows: the same page whatever the reason. */
const NO_REPORT_PAGE = notice(
  'No report here',
  '<h1>This link opens no report</h1>' +
    '<p>A shared link works for the time its sender chose, and its sender can end it sooner. ' +
    'Ask whoever sent it for a new one.</p>',
);

/** What a link's PDF shows when the server cannot print it: the way to the report itself. */
const noPdfPage = (token: string) =>
  notice(
    'No PDF just now',
    '<h1>The PDF of this report cannot be made just now</h1>' +
      `<p>The report itself opens: <a href="${token}">open it</a>, and print it from the browser ` +
      'if you need a PDF.</p>',
  );

/**
 * `GET /share/{token}` and `/share/{token}.pdf`: the one report a link opens, without a key. Every
 * answer (404 included) is kept out of caches, referrers and search indexes.
 */
@Controller('share')
export class ShareController {
  private readonly logger = new Logger(ShareController.name);

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
    const document = await this.opened(token, pdf);
    if (document === 'no-pdf' || document === undefined || document.kind === 'html') {
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.setHeader('Content-Security-Policy', REPORT_CONTENT_SECURITY_POLICY);
    }
    if (document === 'no-pdf') {
      // a page for the person who clicked, not JSON naming the server's paths: the report opens
      response.status(503);
      return noPdfPage(token);
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

  /** The link's document, or 'no-pdf' when its PDF was asked for and cannot be printed. */
  private async opened(
    token: string,
    pdf: boolean,
  ): Promise<SharedDocument | undefined | 'no-pdf'> {
    try {
      return await this.links.open(token, pdf ? 'pdf' : 'html');
    } catch (error) {
      if (!pdf || !isShareToken(token) || !isPrintingFailure(error)) {
        throw error;
      }
      this.logger.warn(`a share link's PDF was not made: ${messageOf(error)}`);
      return 'no-pdf';
    }
  }
}
