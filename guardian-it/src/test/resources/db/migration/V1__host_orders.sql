-- the host service's own first migration, in Flyway's default location (classpath:db/migration)
CREATE TABLE host_orders (id INTEGER PRIMARY KEY, item VARCHAR(100) NOT NULL);
