import { Controller, Get, NotFoundException, Param, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../auth/index.js';
import { REPORT_CONTENT_SECURITY_POLICY } from '../../reports/index.js';
import { ShareLinksService } from './share-links.service.js';

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
    if (document === undefined) {
      // unknown, expired and revoked read the same: nothing tells a guesser which
      throw new NotFoundException();
    }
    if (document.kind === 'html') {
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.setHeader('Content-Security-Policy', REPORT_CONTENT_SECURITY_POLICY);
      return document.body;
    }
    response.setHeader('Content-Type', 'application/pdf');
    response.setHeader('Content-Disposition', `inline; filename="${document.fileName}"`);
    return new StreamableFile(document.body);
  }
}
