DROP TABLE public_pages;
DROP TABLE page_parents;
