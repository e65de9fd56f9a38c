package store

import "context"

// StorageKeys returns every blob storage key the database names. Every
// stored file is recorded in documents (storage_key); the tables that hold
// files — assessment evidence, engagement documents, message attachments,
// deliverables, consent evidence — refer to it by documents.id and hold no
// key of their own. A new column that holds a storage key must be added
// here, or the orphan sweep (app.SweepOrphanBlobs) would remove its files.
func (tx *Tx) StorageKeys(ctx context.Context) (map[string]struct{}, error) {
	rows, err := tx.query(ctx, `SELECT storage_key FROM documents`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := map[string]struct{}{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys[k] = struct{}{}
	}
	return keys, rows.Err()
}
