-- Which of an article's slugs the public has seen. Only those answer the public with a
-- redirect; a slug given to a working copy and never published stays a 404.
ALTER TABLE article_slugs ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;

-- A slug was public if some revision carrying it was published.
UPDATE article_slugs SET public = TRUE
WHERE EXISTS (
    SELECT 1
    FROM article_revisions r
    JOIN content_transitions t
      ON t.content_type = 'article'
     AND t.content_id = r.article_id
     AND t.revision = r.number
     AND t.to_status = 'published'
    WHERE r.article_id = article_slugs.article_id
      AND r.slug = article_slugs.slug
);
