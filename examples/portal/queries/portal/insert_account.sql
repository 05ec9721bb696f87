-- One account, used to seed the table.
INSERT INTO portal_accounts (id, owner, name, region, revenue, status)
VALUES (:id, :owner, :name, :region, :revenue, :status)
