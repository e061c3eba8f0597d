-- DIGEST_NOT_SENT alerts stored before an alert said what failed rather than the error's text
-- (0123): their summary and evidence quote the mail server's reply, which may name a refused
-- staff address, and an open one's alert.resolved would send that summary to the tenant's
-- webhooks and Slack. Both are written as the rule now writes a failure whose kind was not kept:
-- its time, and where the details are read (the digest's lastError, with a key of the tenant).
-- cluster: replicated, not distributed
ALTER TABLE alerts UPDATE
    summary = concat(
        extract(summary, '^(the digest was not sent at .+? UTC): '),
        '; the digest''s lastError (read with a key of the tenant) says why'),
    evidence = concat(
        '{"failedAt":', toJSONString(JSONExtractString(evidence, 'failedAt')), ',"kind":null}')
WHERE kind = 'DIGEST_NOT_SENT' AND JSONHas(evidence, 'error')
SETTINGS mutations_sync = 2
