import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Labels } from '../app/ports.ts';
import { keys } from './keys.ts';
import { renderLabel } from './label-pdf.ts';

/** PDF labels rendered here and kept in the labels bucket. */
export function s3Labels(s3: S3Client, bucket: () => string): Labels {
  return {
    render: renderLabel,
    async store(labelId, pdf) {
      const key = keys.label(labelId);
      await s3.send(
        new PutObjectCommand({ Bucket: bucket(), Key: key, Body: pdf, ContentType: 'application/pdf' }),
      );
      return key;
    },
    async read(key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
        return object.Body ? await object.Body.transformToByteArray() : undefined;
      } catch (error) {
        if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound'))
          return undefined;
        throw error;
      }
    },
  };
}
