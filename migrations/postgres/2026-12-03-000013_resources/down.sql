DROP TABLE public_resources;
