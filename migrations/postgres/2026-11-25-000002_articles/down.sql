DROP TABLE change_feed;
DROP TABLE content_transitions;
DROP TABLE public_article_tags;
DROP TABLE public_articles;
DROP TABLE article_slugs;
DROP TABLE article_revisions;
DROP TABLE articles;
