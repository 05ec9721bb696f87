-- Users, newest first.
select id, name from users order by id desc
