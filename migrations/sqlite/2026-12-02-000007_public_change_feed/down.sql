ALTER TABLE change_feed DROP COLUMN revision;
UPDATE change_feed SET action = CASE action
    WHEN 'published' THEN 'publish'
    WHEN 'updated' THEN 'publish'
    WHEN 'unpublished' THEN 'unpublish'
    WHEN 'archived' THEN 'archive'
    ELSE action END;
