-- Each person's locale (issue 9): how dates and money are written for them
-- on screen ("en-US", "en-GB", "fr-FR", ...). Exports (CSV, LEDES, the API)
-- keep their machine formats whatever it is. The time zone is already
-- users.time_zone.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en-US';
