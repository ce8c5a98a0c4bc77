DROP TABLE public_links;
