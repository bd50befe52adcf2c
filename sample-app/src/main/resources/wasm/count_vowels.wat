;; The sample's own small module: counts ASCII vowels in memory[ptr, ptr + len).
;; Turned into WASM at startup by the wat2wasm module, then compiled through the cache.
(module
  (memory (export "memory") 1)
  (func (export "count_vowels") (param $ptr i32) (param $len i32) (result i32)
    (local $end i32) (local $count i32) (local $c i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        ;; lower-case ASCII letters by setting bit 0x20
        (local.set $c (i32.or (i32.load8_u (local.get $ptr)) (i32.const 0x20)))
        (if (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 0x61)) (i32.eq (local.get $c) (i32.const 0x65)))
              (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x69)) (i32.eq (local.get $c) (i32.const 0x6f)))
                      (i32.eq (local.get $c) (i32.const 0x75))))
          (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $count)))
