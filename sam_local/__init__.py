"""Run the template's functions with the real SAM CLI in local containers (`sam local ...`)."""
