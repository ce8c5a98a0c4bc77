-- The change feed holds only what the public saw change (published, updated while published,
-- unpublished, archived, deleted), with the public revision; drafts, reviews and staff-only
-- edits stay in the audit log. Entries of other writes are dropped; the public ones renamed.
DELETE FROM change_feed
 WHERE action NOT IN ('publish', 'publish_scheduled', 'unpublish', 'archive')
    OR content_type <> 'article';
UPDATE change_feed SET action = CASE action
    WHEN 'publish' THEN 'published'
    WHEN 'publish_scheduled' THEN 'published'
    WHEN 'unpublish' THEN 'unpublished'
    ELSE 'archived' END;
ALTER TABLE change_feed ADD COLUMN revision INTEGER;
