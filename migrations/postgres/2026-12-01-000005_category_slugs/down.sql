DROP TABLE category_slugs;
