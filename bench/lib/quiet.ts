// Imported first: the events API called in this process would log every request at info.
process.env.LOG_LEVEL ||= 'warn';
