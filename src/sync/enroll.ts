// Enrollment: a one-time code becomes this device's credential (the device makes the secret and sends only its hash).
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/log';
import { randomToken } from '../common/ids';
import { venueIso } from '../common/time';
import { upsertDesk, upsertVenue } from '../doses/catalog';
import { writeDeviceSettings } from '../store/settings';
import { Backoff } from './backoff';
import { answerError, errorCode, type SyncLink } from './link';
import { syncMessage } from './messages';
import { enrollResponseSchema } from './protocol';
import { finishEnrollment, markEnrollmentWorking, writeSyncIdentity, type EnrollmentRequest } from './state';

/** Turns an enrollment request into this device's sync identity, or says why not (never throws). */
export async function enroll(link: SyncLink, request: EnrollmentRequest): Promise<void> {
  const { db } = link;
  if (!request.code) {
    db.transaction(() => finishEnrollment(db, { ok: false, code: 'ENROLLMENT_CODE_UNKNOWN', message: syncMessage('ENROLLMENT_CODE_UNKNOWN') }, link.clock.now()))();
    return;
  }
  // The device makes its own secret; the server keeps only the hash. A retry
  // with the same hash after a lost answer (or a restart) is the same enrollment, not a replay.
  const secret = request.state === 'working' && request.secret ? request.secret : randomToken(32);
  markEnrollmentWorking(db, secret);
  const credentialHash = createHash('sha256').update(secret).digest('hex');
  const body = JSON.stringify({ code: request.code, credentialHash, ...(request.deviceName ? { deviceName: request.deviceName } : {}) });
  const backoff = new Backoff(link.tuning.backoffBaseMs, link.tuning.backoffMaxMs);
  let lastCode = 'UNREACHABLE';
  for (let attempt = 0; attempt < link.tuning.enrollAttempts && !link.stopped; attempt++) {
    try {
      const response = await link.transport.send({
        server: { url: request.serverUrl, fingerprint: request.fingerprint },
        method: 'POST',
        path: '/v1/enroll',
        body,
        timeoutMs: link.tuning.requestTimeoutMs,
        signal: link.controller.signal,
      });
      if (link.stopped) return;
      if (response.status !== 200) {
        const refused = answerError(response);
        if (response.status < 500) {
          db.transaction(() => finishEnrollment(db, { ok: false, code: refused.code, message: refused.staffMessage }, link.clock.now()))();
          return;
        }
        lastCode = refused.code;
      } else {
        const answer = enrollResponseSchema.parse(JSON.parse(response.body));
        completeEnrollment(link, request, answer, secret, response.fingerprint);
        return;
      }
    } catch (error) {
      if (link.stopped) return;
      lastCode = errorCode(error);
      if (lastCode === 'FINGERPRINT_MISMATCH' || lastCode === 'INSECURE_URL' || lastCode === 'BAD_URL' || lastCode === 'PROTOCOL') break;
    }
    await link.enrollWaker.wait(backoff.next());
  }
  if (link.stopped) return;
  db.transaction(() => finishEnrollment(db, { ok: false, code: lastCode, message: syncMessage(lastCode) }, link.clock.now()))();
}

function completeEnrollment(
  link: SyncLink,
  request: EnrollmentRequest,
  answer: ReturnType<typeof enrollResponseSchema.parse>,
  secret: string,
  seenFingerprint: string | null,
): void {
  const { db } = link;
  const now = link.clock.now();
  db.transaction(() => {
    writeSyncIdentity(
      db,
      {
        serverUrl: request.serverUrl,
        // Kept from now on: a server with another certificate is refused.
        fingerprint: seenFingerprint ?? request.fingerprint,
        deviceId: answer.deviceId,
        credential: secret,
        municipality: answer.municipality.code,
        venueId: answer.venue.id,
        deskId: answer.desk.id,
      },
      now,
    );
    upsertVenue(db, { id: answer.venue.id, name: answer.venue.name, municipality: answer.municipality.code });
    for (const desk of answer.desks) upsertDesk(db, { id: desk.id, venueId: answer.venue.id, name: desk.name });
    writeDeviceSettings(db, {
      deviceId: answer.deviceId,
      venueId: answer.venue.id,
      deskId: answer.desk.id,
      defaultMunicipality: answer.municipality.code,
      servedMunicipalities: answer.servedMunicipalities,
    });
    finishEnrollment(db, { ok: true }, now);
    appendAudit(db, {
      at: venueIso(now),
      staffId: null,
      deskId: answer.desk.id,
      action: 'syncEnrolled',
      recordId: answer.deviceId,
      outcome: 'ok',
      detail: { venue: answer.venue.id, desk: answer.desk.id, municipality: answer.municipality.code },
    });
  })();
}
