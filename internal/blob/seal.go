package blob

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// The sealed format, a header then segments:
//
//	header:  "PRBD" | version (1 byte, 1) | segment size (uint32 BE) | nonce prefix (8 random bytes)
//	segment: AES-256-GCM(data key, nonce = prefix | counter (uint32 BE),
//	                     plaintext chunk, AAD = header | last (1 byte: 0 or 1))
//
// Every segment but the last holds exactly segment-size plaintext bytes; the
// last holds the rest (possibly none, so even an empty document has one
// authenticated segment). The counter in the nonce detects reordering and
// the last flag in the AAD detects truncation at a segment boundary; the
// header is authenticated by every segment.

const (
	magic      = "PRBD"
	version    = 1
	headerSize = 4 + 1 + 4 + 8
	prefixSize = 8
	tagSize    = 16
	keySize    = 32
	maxSegment = 16 << 20
)

func newGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func segmentNonce(prefix []byte, counter uint32) []byte {
	n := make([]byte, 12)
	copy(n, prefix)
	binary.BigEndian.PutUint32(n[prefixSize:], counter)
	return n
}

func segmentAAD(header []byte, last bool) []byte {
	aad := make([]byte, len(header)+1)
	copy(aad, header)
	if last {
		aad[len(header)] = 1
	}
	return aad
}

// fill reads into b until it is full (nil error) or the source ends
// (io.EOF, with the bytes read so far); any other error is returned as is,
// even io.ErrUnexpectedEOF, so a broken source is never taken for the end.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// sealReader reads plaintext from src and yields the sealed form.
type sealReader struct {
	src     *bufio.Reader
	aead    cipher.AEAD
	header  []byte
	prefix  []byte
	segment int
	limit   int64
	counter uint32
	plain   []byte
	obuf    []byte // holds one sealed segment
	out     []byte // sealed bytes not yet returned
	n       int64  // plaintext bytes read
	sum     hash.Hash
	done    bool
	err     error
	// The SHA-256 of the plaintext is computed by a goroutine of its own,
	// beside the sealing: free holds the plaintext buffers not in use,
	// toHash those waiting to be hashed; finish ends the goroutine.
	free     chan []byte
	toHash   chan []byte
	hashed   chan struct{}
	finished bool
}

func newSealReader(src io.Reader, dek []byte, segment int, limit int64) (*sealReader, error) {
	if segment <= 0 || segment > maxSegment {
		return nil, fmt.Errorf("blob: segment size %d out of range", segment)
	}
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	prefix := make([]byte, prefixSize)
	if _, err := rand.Read(prefix); err != nil {
		return nil, err
	}
	header := make([]byte, 0, headerSize)
	header = append(header, magic...)
	header = append(header, version)
	header = binary.BigEndian.AppendUint32(header, uint32(segment))
	header = append(header, prefix...)
	s := &sealReader{src: bufio.NewReaderSize(src, 64<<10), aead: aead, header: header, prefix: prefix, segment: segment,
		limit: limit, obuf: make([]byte, 0, segment+tagSize), sum: sha256.New(),
		free: make(chan []byte, 3), toHash: make(chan []byte, 3), hashed: make(chan struct{})}
	for range 3 {
		s.free <- make([]byte, segment)
	}
	go func() {
		defer close(s.hashed)
		for b := range s.toHash {
			s.sum.Write(b)
			s.free <- b[:cap(b)]
		}
	}()
	s.out = append(s.out, header...)
	return s, nil
}

// finish stops the hashing goroutine and waits for it; after it, sum holds
// the SHA-256 of everything read. Safe to call more than once.
func (s *sealReader) finish() {
	if !s.finished {
		s.finished = true
		close(s.toHash)
		<-s.hashed
	}
}

func (s *sealReader) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		if s.done {
			return 0, io.EOF
		}
		s.err = s.next()
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

// next seals the next segment into s.out.
func (s *sealReader) next() error {
	s.plain = <-s.free
	n, err := fill(s.src, s.plain)
	last := false
	switch {
	case err == io.EOF:
		last = true
	case err != nil:
		return err
	default:
		if _, perr := s.src.Peek(1); perr == io.EOF {
			last = true
		} else if perr != nil {
			return perr
		}
	}
	s.n += int64(n)
	if s.limit >= 0 && s.n > s.limit {
		return ErrTooLarge
	}
	if s.counter == ^uint32(0) {
		return errors.New("blob: document too long for one data key")
	}
	s.out = s.aead.Seal(s.obuf[:0], segmentNonce(s.prefix, s.counter), s.plain[:n], segmentAAD(s.header, last))
	s.toHash <- s.plain[:n]
	s.counter++
	s.done = last
	return nil
}

// openReader decrypts the sealed form and checks size and SHA-256 at the end.
type openReader struct {
	src     *bufio.Reader
	closer  io.Closer
	aead    cipher.AEAD
	header  []byte
	prefix  []byte
	segment int
	counter uint32
	cbuf    []byte
	out     []byte
	n       int64
	size    int64
	want    string
	done    bool
	err     error
	// The SHA-256 of the plaintext is computed in a goroutine of its own
	// while the next segment is decrypted and the last one sent: two
	// plaintext buffers take turns, handed to the hasher by index and
	// returned on free once hashed (and read, since the reader takes a
	// buffer only when the previous segment's bytes were all read).
	pbufs  [2][]byte
	toHash chan hashJob
	free   chan int
	summed chan []byte // the final sum, once toHash is closed
	closed bool
}

type hashJob struct{ buf, n int }

func newOpenReader(rc io.ReadCloser, dek []byte, size int64, sha string) (*openReader, error) {
	aead, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	src := bufio.NewReaderSize(rc, 64<<10)
	header := make([]byte, headerSize)
	if _, err := io.ReadFull(src, header); err != nil {
		return nil, fmt.Errorf("%w: no header", ErrCorrupt)
	}
	if !bytes.Equal(header[:4], []byte(magic)) || header[4] != version {
		return nil, fmt.Errorf("%w: not a sealed Probity document", ErrCorrupt)
	}
	segment := int(binary.BigEndian.Uint32(header[5:9]))
	if segment <= 0 || segment > maxSegment {
		return nil, fmt.Errorf("%w: bad segment size", ErrCorrupt)
	}
	o := &openReader{src: src, closer: rc, aead: aead, header: header, prefix: header[9:], segment: segment,
		cbuf: make([]byte, segment+tagSize), size: size, want: sha,
		toHash: make(chan hashJob, 2), free: make(chan int, 2), summed: make(chan []byte, 1)}
	for i := range o.pbufs {
		o.pbufs[i] = make([]byte, 0, segment)
		o.free <- i
	}
	go o.hash()
	return o, nil
}

// hash sums the plaintext segments in order, returning each buffer.
func (o *openReader) hash() {
	sum := sha256.New()
	for j := range o.toHash {
		sum.Write(o.pbufs[j.buf][:j.n])
		o.free <- j.buf
	}
	o.summed <- sum.Sum(nil)
}

// stopHashing ends the hasher (once) and returns the sum of what it saw.
func (o *openReader) stopHashing() []byte {
	if o.closed {
		return nil
	}
	o.closed = true
	close(o.toHash)
	return <-o.summed
}

func (o *openReader) Read(p []byte) (int, error) {
	for len(o.out) == 0 {
		if o.err != nil {
			return 0, o.err
		}
		if o.done {
			return 0, io.EOF
		}
		o.err = o.next()
	}
	n := copy(p, o.out)
	o.out = o.out[n:]
	return n, nil
}

func (o *openReader) next() error {
	n, err := fill(o.src, o.cbuf)
	last := false
	switch {
	case err == io.EOF && n == 0:
		return fmt.Errorf("%w: truncated", ErrCorrupt)
	case err == io.EOF:
		last = true
	case err != nil:
		return err
	default:
		if _, perr := o.src.Peek(1); perr == io.EOF {
			last = true
		} else if perr != nil {
			return perr
		}
	}
	if n < tagSize {
		return fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	buf := <-o.free
	plain, err := o.aead.Open(o.pbufs[buf][:0], segmentNonce(o.prefix, o.counter), o.cbuf[:n], segmentAAD(o.header, last))
	if err != nil {
		o.free <- buf
		return fmt.Errorf("%w: segment %d does not authenticate", ErrCorrupt, o.counter)
	}
	o.counter++
	o.n += int64(len(plain))
	o.toHash <- hashJob{buf: buf, n: len(plain)}
	o.out = plain
	if last {
		o.done = true
		sum := o.stopHashing()
		if o.n != o.size || (o.want != "" && hex.EncodeToString(sum) != o.want) {
			o.out = nil
			return fmt.Errorf("%w: size or SHA-256 differs from the record", ErrCorrupt)
		}
	}
	return nil
}

func (o *openReader) Close() error {
	o.stopHashing()
	return o.closer.Close()
}
