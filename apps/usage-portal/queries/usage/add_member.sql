-- Lets a portal user see an account.
INSERT INTO portal_members (user_name, account_id) VALUES (:user_name, :account_id)
ON CONFLICT (user_name, account_id) DO NOTHING
