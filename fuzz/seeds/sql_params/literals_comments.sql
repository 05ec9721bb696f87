select ':no', ":no", $$ :no $$, $t$ :no $t$, E'\' :no', x::date,
  :yes::int /* :no /* nested :no */ :no */ -- :no
, a[lo:hi], :last