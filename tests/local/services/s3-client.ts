// An AWS SDK client for an S3Settings (path style, as s3rver needs).
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "../../../local/config.ts";

export function s3Client(s: S3Settings): S3Client {
  return new S3Client({
    endpoint: s.endpoint, region: s.region, forcePathStyle: s.pathStyle,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
  });
}
