/**
 * The policies Personalize needs from the user's account, as the text a hint shows: the service role's trust, and the
 * bucket policy that lets Personalize read the CSVs. Pure (no SDK), shared by Personalize's own checks and the
 * command preflight (src/doctor/plane-checks.ts).
 */
export const PERSONALIZE_PRINCIPAL = 'personalize.amazonaws.com';

export function trustPolicy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: PERSONALIZE_PRINCIPAL }, Action: 'sts:AssumeRole' }],
  });
}

export function bucketPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PersonalizeS3BucketAccessPolicy',
        Effect: 'Allow',
        Principal: { Service: PERSONALIZE_PRINCIPAL },
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      },
    ],
  });
}
