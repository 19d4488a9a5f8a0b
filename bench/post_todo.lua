-- wrk script: POST a todo as JSON (the body the addTodo operation takes).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"todo": "Benchmark todo written by wrk"}'
