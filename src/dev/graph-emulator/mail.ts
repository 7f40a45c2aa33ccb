/** `POST /users/{id}/sendMail` (item 27): 202 with no body, validation, outbox for inspection. */
import { z } from 'zod';
import type { HandlerContext, Route } from './context.js';
import { GraphHttpError } from './errors.js';
import { emptyResponse } from './http-types.js';
import type { EmuRequest } from './http-types.js';
import type { MailAttachment, SentMail } from './records.js';

const recipientSchema = z.looseObject({
  emailAddress: z.looseObject({ address: z.string(), name: z.string().optional() }),
});

const attachmentSchema = z.looseObject({
  '@odata.type': z.string(),
  name: z.string().min(1),
  contentType: z.string().optional(),
  contentBytes: z.string(),
  isInline: z.boolean().optional(),
  contentId: z.string().optional(),
});

const messageSchema = z.looseObject({
  subject: z.string().optional(),
  body: z.looseObject({ contentType: z.string(), content: z.string() }).optional(),
  toRecipients: z.array(recipientSchema).optional(),
  ccRecipients: z.array(recipientSchema).optional(),
  bccRecipients: z.array(recipientSchema).optional(),
  attachments: z.array(attachmentSchema).optional(),
  internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
});

const sendMailSchema = z.looseObject({ message: messageSchema, saveToSentItems: z.boolean().optional() });

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const bodyRead = (message: string): GraphHttpError => new GraphHttpError(400, 'RequestBodyRead', message);

/** Item 27: the mailbox scope (RBAC for Applications / access policy) applies to every mailbox route. */
export function checkMailboxAllowed(ctx: HandlerContext, mailbox: string): void {
  const allowed = ctx.config.allowedMailboxes;
  if (allowed !== undefined && !allowed.has(mailbox.toLowerCase())) {
    throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access to OData is disabled.');
  }
}

function invalidRecipient(address: string): GraphHttpError {
  return new GraphHttpError(
    400,
    'ErrorInvalidRecipients',
    `At least one recipient is not valid., Recipient '${address}' is not resolved. All recipients must be resolved before a message can be submitted.`,
  );
}

function sendMail(ctx: HandlerContext, req: EmuRequest, mailbox: string): SentMail {
  if (typeof req.body === 'string') {
    // MIME send: the body is base64 of the RFC 822 message.
    const mime = req.body.replace(/\s+/g, '');
    if (mime === '' || !BASE64.test(mime)) {
      throw new GraphHttpError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
    }
    return baseMail(ctx, mailbox, { mimeContent: mime }, true);
  }
  const parsed = sendMailSchema.safeParse(req.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bodyRead(
      `Invalid sendMail body${issue === undefined ? '' : ` at '${issue.path.join('.')}': ${issue.message}`}.`,
    );
  }
  const { message, saveToSentItems } = parsed.data;
  const addresses = (list: z.infer<typeof recipientSchema>[] | undefined): string[] =>
    (list ?? []).map((r) => {
      const address = r.emailAddress.address.trim();
      if (!ADDRESS.test(address)) throw invalidRecipient(address);
      return address;
    });
  const to = addresses(message.toRecipients);
  const cc = addresses(message.ccRecipients);
  const bcc = addresses(message.bccRecipients);
  if (to.length + cc.length + bcc.length === 0) {
    throw new GraphHttpError(
      400,
      'ErrorInvalidRecipients',
      "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
    );
  }
  const contentType = message.body?.contentType.toLowerCase() ?? 'text';
  if (contentType !== 'text' && contentType !== 'html') {
    throw bodyRead(`Requested value '${message.body?.contentType ?? ''}' was not found.`);
  }
  for (const header of message.internetMessageHeaders ?? []) {
    if (!/^x-/i.test(header.name)) {
      throw new GraphHttpError(
        400,
        'InvalidInternetMessageHeader',
        `The internet message header name '${header.name}' should start with 'x-' or 'X-'.`,
      );
    }
  }
  const attachments: MailAttachment[] = (message.attachments ?? []).map((a) => {
    if (a['@odata.type'] !== '#microsoft.graph.fileAttachment') {
      throw bodyRead(
        `Attachment type '${a['@odata.type']}' is not supported by the local emulator; use '#microsoft.graph.fileAttachment'.`,
      );
    }
    if (!BASE64.test(a.contentBytes)) throw bodyRead(`The contentBytes of attachment '${a.name}' is not valid base64.`);
    const out: MailAttachment = {
      name: a.name,
      contentType: a.contentType ?? 'application/octet-stream',
      size: Buffer.from(a.contentBytes, 'base64').length,
      contentBytes: a.contentBytes,
      isInline: a.isInline ?? false,
    };
    if (a.contentId !== undefined) out.contentId = a.contentId;
    return out;
  });
  const { attachments: _dropped, ...rest } = message;
  return {
    ...baseMail(ctx, mailbox, rest, saveToSentItems ?? true),
    subject: message.subject ?? '',
    bodyContentType: contentType,
    bodyContent: message.body?.content ?? '',
    toRecipients: to,
    ccRecipients: cc,
    bccRecipients: bcc,
    attachments,
    internetMessageHeaders: message.internetMessageHeaders ?? [],
  };
}

function baseMail(
  ctx: HandlerContext,
  mailbox: string,
  message: Record<string, unknown>,
  saveToSentItems: boolean,
): SentMail {
  return {
    id: ctx.newGuid(),
    mailbox,
    sentDateTime: new Date(ctx.now()).toISOString(),
    saveToSentItems,
    subject: '',
    bodyContentType: 'text',
    bodyContent: '',
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    attachments: [],
    internetMessageHeaders: [],
    message,
  };
}

export const mailRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: 'users/:user/sendMail',
    kind: 'sendMail',
    handler: (ctx, req, p) => {
      const mailbox = (p.user ?? '').toLowerCase();
      checkMailboxAllowed(ctx, mailbox);
      ctx.commit({ t: 'mail', mail: sendMail(ctx, req, mailbox) });
      // Item 3/27: 202, empty body, no JSON Content-Type (else SDK 3.0.7 throws on success).
      return emptyResponse(202);
    },
  },
];
