DROP TABLE media_uses;
DROP TABLE media_variants;
DROP TABLE media;
