-- One order line, used to seed the table.
INSERT INTO sales (id, day, region, country, category, units, amount)
VALUES (:id, :day, :region, :country, :category, :units, :amount)
