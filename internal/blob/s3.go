package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is the backend for any S3-compatible object store (AWS S3, MinIO,
// Versity, Ceph, ...). Objects are written with a streaming multipart
// upload in parts of PartSize bytes, so a document of any size is held in
// memory one part at a time; S3 makes an object visible only when its
// upload completes, and a failed upload is aborted, so Put is atomic.
type S3 struct {
	client   *minio.Client
	bucket   string
	prefix   string // "" or "dir/": where objects go inside the bucket
	PartSize uint64
}

// S3Config says where an S3 backend stores objects. The secret is never
// logged; String omits it.
type S3Config struct {
	Endpoint  string // http(s)://host[:port]; empty for AWS
	Region    string
	Bucket    string
	Prefix    string
	AccessKey string
	SecretKey string
	PathStyle bool
}

func (c S3Config) String() string {
	return fmt.Sprintf("s3://%s/%s (endpoint %s, region %s)", c.Bucket, c.Prefix, c.Endpoint, c.Region)
}

// ParseS3URL reads --blob-store s3://bucket[/prefix]?endpoint=http://host:port&region=...
// (path-style addressing is used whenever an endpoint is given).
// Credentials come from the caller (environment), never from the URL.
func ParseS3URL(raw string) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return S3Config{}, errors.New("the blob store must be a directory or s3://bucket[/prefix]?endpoint=http://host:port&region=REGION")
	}
	if u.User != nil {
		return S3Config{}, errors.New("do not put S3 credentials in the URL: set PROBITY_S3_ACCESS_KEY and PROBITY_S3_SECRET_KEY (or *_FILE)")
	}
	q := u.Query()
	c := S3Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Endpoint: q.Get("endpoint"), Region: q.Get("region")}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	c.PathStyle = c.Endpoint != ""
	if c.Endpoint == "" {
		c.Endpoint = "https://s3." + c.Region + ".amazonaws.com"
	}
	return c, nil
}

// NewS3 connects to the store and checks that the bucket exists.
func NewS3(ctx context.Context, c S3Config) (*S3, error) {
	ep, err := url.Parse(c.Endpoint)
	if err != nil || ep.Host == "" || (ep.Scheme != "http" && ep.Scheme != "https") {
		return nil, fmt.Errorf("S3 endpoint %q must be http://host[:port] or https://host[:port]", c.Endpoint)
	}
	lookup := minio.BucketLookupAuto
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(ep.Host, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""), Secure: ep.Scheme == "https",
		Region: c.Region, BucketLookup: lookup})
	if err != nil {
		return nil, fmt.Errorf("S3 client: %w", err)
	}
	ok, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 bucket %s at %s: %w", c.Bucket, c.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("S3 bucket %s does not exist at %s", c.Bucket, c.Endpoint)
	}
	p := c.Prefix
	if p != "" {
		p += "/"
	}
	return &S3{client: client, bucket: c.Bucket, prefix: p, PartSize: 16 << 20}, nil
}

func (s *S3) name(key string) (string, error) {
	if !validKey(key) {
		return "", fmt.Errorf("blob: invalid storage key %q", key)
	}
	return s.prefix + key[:2] + "/" + key, nil
}

// errReader remembers the first error its source returned, so the
// caller's own error (ErrTooLarge, a broken upload) is reported as it was
// rather than as the client library's rewording of it.
type errReader struct {
	r   io.Reader
	mu  sync.Mutex
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.mu.Lock()
		if e.err == nil {
			e.err = err
		}
		e.mu.Unlock()
	}
	return n, err
}

// Put implements Backend.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	er := &errReader{r: ctxReader{ctx, r}}
	_, err = s.client.PutObject(ctx, s.bucket, name, er, -1, minio.PutObjectOptions{PartSize: s.PartSize, ContentType: "application/octet-stream",
		DisableContentSha256: true})
	if err != nil {
		_ = s.client.RemoveIncompleteUpload(context.WithoutCancel(ctx), s.bucket, name)
		if er.err != nil {
			return er.err
		}
		return fmt.Errorf("S3 put: %w", err)
	}
	return nil
}

// Get implements Backend.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	name, err := s.name(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("S3 get: %w", err)
	}
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("S3 get: %w", err)
	}
	return obj, nil
}

// Delete implements Backend.
func (s *S3) Delete(ctx context.Context, key string) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil && minio.ToErrorResponse(err).Code != "NoSuchKey" {
		return fmt.Errorf("S3 delete: %w", err)
	}
	return nil
}

// Count reports how many objects the store holds under its prefix and how
// many multipart uploads are unfinished (tests check nothing is left).
func (s *S3) Count(ctx context.Context) (objects, incomplete int, err error) {
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if o.Err != nil {
			return 0, 0, o.Err
		}
		objects++
	}
	for u := range s.client.ListIncompleteUploads(ctx, s.bucket, s.prefix, true) {
		if u.Err != nil {
			return objects, 0, u.Err
		}
		incomplete++
	}
	return objects, incomplete, nil
}

// CreateBucket makes a bucket (tests and first-time setup).
func CreateS3Bucket(ctx context.Context, c S3Config) error {
	ep, err := url.Parse(c.Endpoint)
	if err != nil {
		return err
	}
	client, err := minio.New(ep.Host, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""), Secure: ep.Scheme == "https",
		Region: c.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return err
	}
	return client.MakeBucket(ctx, c.Bucket, minio.MakeBucketOptions{Region: c.Region})
}
