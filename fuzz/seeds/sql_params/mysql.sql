select ':no \' :no', `:no`, 1 # :no
, 2 -- :no
, :yes, @v := 1 from t where id = :id